"""Show the package's real code in a notebook, next to the formula it implements."""

import inspect


def show_code(*objects, only=None):
    """Print the source of each object (function, class, method), a blank line between.
    ``only``: words; print just the lines holding one of them (a long method's relevant
    lines)."""
    for obj in objects:
        source = inspect.getsource(obj)
        if only is not None:
            source = "\n".join(line for line in source.splitlines()
                               if any(word in line for word in only))
        print(source)
