"""The programme's climate actions: written locally or copied from the shared library."""
