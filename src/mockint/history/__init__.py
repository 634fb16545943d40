"""Your past sessions: queries, statistics, recommendations, exports, report formats and
deletion."""
