"""Session runners: how questions reach the candidate and answers come back.

The interface (:class:`~mockint.runners.base.Runner`, the
:class:`~mockint.runners.base.Display` it talks through, :class:`~mockint.runners.base.RunnerSettings`)
is ``base``; :func:`~mockint.runners.factory.get_runner` is the one factory (``factory``).
Typed answers are ``text`` (the editor is the CLI's display), answers from a file
``scripted``; spoken ones live in :mod:`mockint.voice` and :mod:`mockint.vapi`.
"""
