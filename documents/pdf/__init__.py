"""PDF documents: their content (sources), drawing (render, fetcher) and jobs (pipeline)."""
