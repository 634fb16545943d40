"""Running an interview: setting a session up, asking, storing answers as they come, grading
at the end; answer files for unattended runs; retries."""
