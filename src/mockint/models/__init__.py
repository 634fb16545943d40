"""Domain models, one module per concern: questions, sessions and turns, reports, API
usage and prices, history. Import each type from its module."""
