"""Question sources: where an interview's questions come from.

Each source implements :class:`~mockint.questions.source.QuestionSource` (``source``);
:func:`~mockint.questions.factory.get_source` is the one factory (``factory``): the bank
(``bank``), a pack (``pack``), or a provider's source. Sources that need heavy or network
libraries import them lazily.
"""
