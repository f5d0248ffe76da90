"""Hardware: the platform catalog (validated, failing closed), the what-if applied to it as one
value, and each platform's notes (achievable peaks, where its figures come from)."""
