"""The one error a vocabulary raises: what is wrong, where (file and line when known) and how to fix it."""


class VocabularyError(ValueError):
    """A vocabulary that cannot be used as written."""
