"""PDF documents: what they show (sources), how they are drawn (render, fetcher) and how a
worker makes them (pipeline, services)."""
