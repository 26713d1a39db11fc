"""Pages of the administrative review: the appeals list, one appeal (its page and a module for
each of its tabs) and the standing panels, with what they share.

The services decide who may do what; these pages offer only what the actor's role and the
appeal's state allow, and show a refusal as a plain message. Transitions carry the case
version the page was showing, so that a page gone out of date is refused with who changed
the case and when.

Imports ``ui.core``, the earlier stages' UIs and the stages up to the review.
"""
