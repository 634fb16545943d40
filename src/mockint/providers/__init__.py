"""Network providers (Gemini), each imported only when it is used."""
