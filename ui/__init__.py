"""Streamlit side of QB Explorer: shared sidebar filters, cached data access, chart builders."""
