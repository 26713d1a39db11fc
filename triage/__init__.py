"""NLP triage: sorting suggestions, repeat-application detection and evaluation."""
