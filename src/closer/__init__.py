"""closer: practise asking for the job at the end of an interview, locally and privately."""

import os

__version__ = "0.1.0"

# CTranslate2's OpenMP threads spin while they wait for work (libgomp's default). The model is
# loaded in a background thread (the drill, the page) and used from another, so two thread
# pools exist; on a busy machine the idle one's spinning starves the working one and decoding
# ran 9-35x slower (5 closes: 2.2 s with the model loaded on the calling thread, 19-77 s loaded
# in a thread, 2.3 s with PASSIVE). libgomp reads this once, when ctranslate2 is first imported,
# which is always after this package is; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# numpy's OpenBLAS starts a thread per core for every matrix product and spins them between
# calls. The products here are tiny (the sentence encoder's layers on a dozen tokens, pitch and
# gain frames), so threads buy nothing, and on a busy machine their spinning made one encode of
# two short clauses take 1.4 s instead of 0.07 s (OPENBLAS_NUM_THREADS=1, side by side, load 4).
# OpenBLAS reads this when numpy is first imported, after this package; a user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own malloc arena (up to 8 per core), and
    memory freed in one is not reused by another: with two clips decoded at once beside the
    rubric (`closer score`), or a drill's model, VAD and transcript threads, peak RSS grew by
    ~45 MB over 16 clips (299 MB against 256 MB; with 2 arenas 260 MB, no slower). Same as the
    MALLOC_ARENA_MAX environment variable, which wins when the user set it; elsewhere a no-op."""
    import sys

    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # -8: M_ARENA_MAX (malloc.h)
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to limit
        pass


_limit_malloc_arenas()
