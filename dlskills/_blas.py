"""One BLAS thread for the small matrix products of this course.

Batches of 100-1000 rows times layers of 100 units are too small to gain from a second
BLAS thread; on a busy 2-core machine (a kernel beside a browser, or CI) OpenBLAS's
threads spin waiting for each other and made explorer updates 3-10x slower (measured
in the chapter 1 and 4 explorers).
"""

import functools


@functools.lru_cache(maxsize=1)
def _controller():
    from threadpoolctl import ThreadpoolController  # imported on first use only
    return ThreadpoolController()


def single_thread_blas():
    """Context manager: numpy's BLAS uses one thread inside the block."""
    return _controller().limit(limits=1, user_api="blas")
