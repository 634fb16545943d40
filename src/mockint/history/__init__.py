"""Your past sessions: listing and statistics, recommendations, exports, report formats and
deletion."""
