"""Developer tools: demo data generation and segment summaries."""
