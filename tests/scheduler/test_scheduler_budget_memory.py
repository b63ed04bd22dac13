"""give_back_memory: what the C heap freed goes back to the system (glibc's malloc_trim)."""

import ctypes

import pytest

from scheduler import budget


def _rss_mb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


@pytest.mark.skipif(budget._TRIM is None, reason="a C library without malloc_trim")
def test_memory_a_solver_freed_goes_back_to_the_system():
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    # 200 MB in small blocks (below malloc's mmap threshold: they live in the heap, as a solver's do),
    # all freed but the last, which pins the heap's top so that free() alone cannot shrink it
    blocks = [libc.malloc(64 * 1024) for _ in range(3200)]
    for b in blocks:
        libc.memset(b, 1, 64 * 1024)
    held = _rss_mb()
    for b in blocks[:-1]:
        libc.free(b)
    after_free = _rss_mb()
    budget.give_back_memory()
    after_trim = _rss_mb()
    libc.free(blocks[-1])
    assert after_free > held - 50  # freed, but still held by the process
    assert after_trim < after_free - 150  # given back
