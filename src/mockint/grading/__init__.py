"""Graders turn a session's answers into a report.

Each grader implements :class:`~mockint.grading.base.Grader` (``base``);
:func:`~mockint.grading.factory.get_grader` is the one factory (``factory``). The offline
grader is ``report`` (a session) over ``offline`` (one answer), with ``text``, ``claims``,
``story``, ``rubric``, ``embeddings`` and ``feedback``.
"""
