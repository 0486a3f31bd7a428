"""The shared action library (public schema): actions contributed by every tenant."""
