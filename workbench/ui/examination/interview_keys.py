"""Keyboard-first answering on the interview record, in the browser.

Streamlit sends a text field's value to the server when the field is left (blur), on Enter in
a one-line field and on Ctrl+Enter in a text area; the answer is saved then (``on_change``).
A small script, put on the page once, adds what an inquirer typing an interview needs:

- **Ctrl+Enter** (⌘+Enter) in an answer saves it and moves to the next question, in question
  order. A follow-up question that the answer opens is the next one; at the end of a section
  the next section opens and its first question takes the focus. A later Ctrl+Enter or a
  click cancels what an earlier key press still had to do (waiting for a follow-up question
  or for the next section to be drawn), so a quick typist is never pulled back.
- **Saved as typed**: after ``delay_ms`` without typing in a text answer (one line or
  several; not the search field of a list of choices, where Enter picks an option), the
  answer is sent exactly as Ctrl+Enter would send it (a key event on the field), so it is
  saved without leaving the field. Not while an input method is composing (Japanese
  input); again when it is done.
- **Nothing lost on leaving**: an answer still waiting for its pause is sent at once when
  the pointer goes down anywhere else (a link to another page, a tab, a button) and when the
  page is hidden; leaving the field sends it too.
- **Tab** moves through the answers in question order: the guidance icons beside the
  questions are kept out of the Tab order (their text still shows on hover).

The answer widgets are found by their key (``iv_q_<case>_<question>``, which Streamlit puts in
a CSS class ``st-key-…``), so the script needs nothing else from the page.
"""

from __future__ import annotations

import streamlit as st

#: Milliseconds without typing after which an answer is saved.
DEBOUNCE_MS = 1500

_SCRIPT = """
<script>
(() => {
  const w = window;
  w.__wbIvDelay = %(delay)d;
  if (w.__wbIvKeys) { return; }
  w.__wbIvKeys = true;
  const QUESTION = /^st-key-iv_q_\\d+_/;
  const SECTION = /^st-key-iv_sec_\\d+_/;
  const TEXT = 'textarea, input[type="text"], input:not([type])';
  const FIELD = 'textarea, input:not([type="hidden"]):not([disabled]):not([type="radio"]), '
    + 'input[type="radio"]:checked, input[type="radio"]';
  let timer = null, pending = null, composing = false;
  // Each Ctrl+Enter's number: a later one cancels what an earlier one still had to do.
  let presses = 0;

  const matches = (el, re) => !!el && !!el.classList && [...el.classList].some(c => re.test(c));
  const holderOf = (el) => {
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      if (matches(n, QUESTION)) return n;
    }
    return null;
  };
  const holders = () => [...document.querySelectorAll('[class*="st-key-iv_q_"]')]
    .filter(h => matches(h, QUESTION));
  const sectionOf = (el) => {
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      if (matches(n, SECTION)) return n;
    }
    return null;
  };
  const fieldOf = (h) => h && h.querySelector(FIELD);
  // Only the text answers: a selectbox's or multiselect's search field is text too, but
  // Enter there picks an option, and a date field takes its value when complete.
  const isText = (el) => !!el && el.matches && el.matches(TEXT) && !!holderOf(el)
    && !!el.closest('[data-testid="stTextInput"], [data-testid="stTextArea"]');

  // Send the field's value as Streamlit does on Ctrl+Enter (its own key handler commits).
  const commit = (el) => {
    if (!el || !el.isConnected || composing) return;
    el.dispatchEvent(new KeyboardEvent('keydown', {
      key: 'Enter', code: 'Enter', keyCode: 13, which: 13, ctrlKey: true,
      bubbles: true, cancelable: true}));
  };
  const flush = () => {
    if (timer) { clearTimeout(timer); timer = null; }
    const el = pending; pending = null;
    if (el) commit(el);
  };
  const schedule = (el) => {
    if (timer) clearTimeout(timer);
    pending = el;
    timer = setTimeout(() => { timer = null; if (!composing) flush(); }, w.__wbIvDelay);
  };

  const focusIn = (h) => {
    const field = fieldOf(h);
    if (!field) return false;
    w.__wbIvMovedTo = keyOf(h);
    field.focus();
    if (field.select && field.tagName === 'INPUT' && field.type !== 'radio') {
      const end = field.value.length; field.setSelectionRange?.(end, end);
    }
    return true;
  };
  // The question after `from` as the page now stands; at the end of a section, the first
  // question of the next one (opened if it is closed: the server then builds it).
  const moveOn = (fromKey, tries, press) => {
    if (press !== presses) return;
    const list = holders();
    const at = list.findIndex(h => h.classList.contains(fromKey));
    if (at < 0) return;
    const next = list[at + 1] || null;
    const section = sectionOf(list[at]);
    const following = section ? nextSection(section) : null;
    const details = following ? following.querySelector('details') : null;
    if (next && (!section || section.contains(next) || !details
                 || (details.open && (tries === 0 || following.contains(next))))) {
      focusIn(next);
      return;
    }
    if (!details) return;
    if (!details.open && tries === 0) {
      following.querySelector('summary')?.click();
    }
    if (tries < 50) setTimeout(() => moveOn(fromKey, tries + 1, press), 100);
  };
  const nextSection = (section) => {
    const all = [...document.querySelectorAll('[class*="st-key-iv_sec_"]')]
      .filter(s => matches(s, SECTION));
    const i = all.indexOf(section);
    return i >= 0 ? all[i + 1] || null : null;
  };
  const keyOf = (h) => [...h.classList].find(c => QUESTION.test(c));

  document.addEventListener('keydown', (ev) => {
    if (!ev.isTrusted || ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || ev.isComposing) {
      return;
    }
    const h = holderOf(ev.target);
    if (!h) return;
    if (timer) { clearTimeout(timer); timer = null; }
    pending = null;  // Streamlit's own handler sends the value with this very key press
    const key = keyOf(h);
    const press = ++presses;
    // After Streamlit has handled the key (and the run it starts has drawn any follow-up).
    setTimeout(() => moveOn(key, 0, press), 0);
    const followUp = () => {
      if (press !== presses) return;
      // A follow-up question the answer opened comes first: if the focus is still where
      // Ctrl+Enter put it and a question has appeared in between, it goes there.
      const now = holders();
      const i = now.findIndex(x => x.classList.contains(key));
      const active = holderOf(document.activeElement);
      if (i >= 0 && active && w.__wbIvMovedTo === keyOf(active) && now[i + 1]
          && now[i + 1] !== active && now.indexOf(active) > i + 1) {
        focusIn(now[i + 1]);
      }
    };
    for (const after of [400, 900, 1600, 2500]) setTimeout(followUp, after);
  }, true);
  document.addEventListener('input', (ev) => {
    if (isText(ev.target)) schedule(ev.target);
  }, true);
  document.addEventListener('compositionstart', (ev) => {
    if (isText(ev.target)) composing = true;
  }, true);
  document.addEventListener('compositionend', (ev) => {
    composing = false;
    if (isText(ev.target)) schedule(ev.target);
  }, true);
  document.addEventListener('pointerdown', (ev) => {
    presses++;  // the user has chosen where to go: no earlier key press moves the focus now
    if (pending && ev.target !== pending && !pending.contains?.(ev.target)) flush();
  }, true);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  w.addEventListener('pagehide', flush);
  // Tab goes from answer to answer: the guidance icons in the questions' labels stay out.
  const untab = () => {
    for (const h of holders()) {
      for (const el of h.querySelectorAll('[data-testid="stTooltipHoverTarget"], '
                                          + '[data-testid="stTooltipIcon"] *')) {
        if (el.tabIndex >= 0 && !el.matches(FIELD)) el.tabIndex = -1;
      }
    }
  };
  new MutationObserver(untab).observe(document.body, {childList: true, subtree: true});
  untab();
})();
</script>
"""


def interview_keys(delay_ms: int = DEBOUNCE_MS) -> None:
    """Put the interview's keyboard script on the page (it installs itself once per browser
    page; a later run only updates the delay)."""
    st.html(_SCRIPT % {"delay": int(delay_ms)}, unsafe_allow_javascript=True)
