"""Gemini: the client (``client``), the questions it writes (``source``), grading
(``grader``), follow-up questions (``followups``), prices and model lifetimes
(``catalog``, ``notices``). The SDK is imported only when Gemini is used.
"""
