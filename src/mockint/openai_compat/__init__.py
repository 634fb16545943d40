"""Your own model: any server speaking OpenAI's chat-completions wire format (``--provider
openai``), such as Ollama, LM Studio, llama.cpp's server, vLLM or OpenRouter.

It writes question sets, follow-ups and the report with Gemini's prompts, schemas, checks and
offline cross-check (``source``, ``grader``, ``followups`` build on :mod:`mockint.gemini`'s),
through its own client (``client``: the structured-output ladder, retries, timeouts, cost).
The ``openai`` SDK is imported only when a call is made.
"""
