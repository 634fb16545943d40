"""Reports as documents a person keeps: ``document`` chooses the format (Markdown, HTML,
JSON) and renders it; ``markdown`` and ``html`` write them."""
