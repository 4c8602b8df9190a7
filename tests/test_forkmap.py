"""Work shared with forked copies of the process (nbpress/forkmap.py): the same results, in
order, as doing it here; a copy's exception raised here; no copy left behind."""

from __future__ import annotations

import os

import pytest

from nbpress.forkmap import MIN_ITEMS, forked_map


def children() -> set[int]:
    """This process's child processes, zombies included (Linux's /proc)."""
    me, found = str(os.getpid()), set()
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[1] == me:
                    found.add(int(entry))
        except (OSError, IndexError):
            continue
    return found


@pytest.fixture(autouse=True)
def no_copy_left_behind():
    before = children()
    yield
    assert children() == before


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@pytest.mark.parametrize("workers", [2, 3])
def test_results_are_those_of_a_plain_map_in_order_and_copies_did_some(workers) -> None:
    items = list(range(MIN_ITEMS * 3 + 5))
    found = forked_map(square_and_pid, items, workers)
    assert [value for value, _ in found] == [n * n for n in items]
    pids = {pid for _, pid in found}
    assert os.getpid() in pids and len(pids) == workers


def test_few_items_are_done_here() -> None:
    found = forked_map(square_and_pid, list(range(MIN_ITEMS - 1)), 4)
    assert {pid for _, pid in found} == {os.getpid()}


def test_an_exception_in_a_copy_is_raised_here_and_every_copy_ends() -> None:
    def work(n: int) -> int:
        if n == 1:  # the second item: the first copy's share
            raise ValueError(f"item {n} is bad (in {'a copy' if os.getpid() != me else 'here'})")
        return n

    me = os.getpid()
    with pytest.raises(ValueError, match=r"^item 1 is bad \(in a copy\)\n"):
        forked_map(work, list(range(MIN_ITEMS * 2)), 3)


def test_an_exception_here_ends_the_copies() -> None:
    me = os.getpid()

    def work(n: int) -> int:
        if os.getpid() == me and n == MIN_ITEMS:
            raise KeyError("here")
        return n

    with pytest.raises(KeyError):
        forked_map(work, list(range(MIN_ITEMS * 2)), 2)


def test_a_copy_that_dies_is_said() -> None:
    me = os.getpid()

    def work(n: int) -> int:
        if os.getpid() != me:
            os._exit(3)
        return n

    with pytest.raises(RuntimeError, match=r"ended without its results \(exit status 3\); "
                                           r"the site and the state were not changed"):
        forked_map(work, list(range(MIN_ITEMS * 2)), 2)


def test_a_copy_killed_while_sending_its_results_is_said() -> None:
    """Results cut short (a copy killed, by the OOM killer say, while it writes them) are
    not unpickled into a confusing error: the signal is named."""
    import signal
    import time

    me, before = os.getpid(), children()

    def work(n: int) -> bytes:
        if os.getpid() == me and n == MIN_ITEMS * 2 - 2:  # this process's last item
            time.sleep(0.5)  # the copy is blocked writing 6 MB into a 64 kB pipe by now
            for pid in children() - before:
                os.kill(pid, signal.SIGKILL)
        return b"x" * 100_000

    with pytest.raises(RuntimeError, match=r"killed by signal 9: out of memory\?"):
        forked_map(work, list(range(MIN_ITEMS * 2)), 2)


def test_an_exception_from_a_copy_carries_its_traceback() -> None:
    me = os.getpid()

    def work(n: int) -> int:
        if os.getpid() != me:
            return {}["missing key in a copy"]
        return n

    with pytest.raises(KeyError) as info:
        forked_map(work, list(range(MIN_ITEMS * 2)), 2)
    (note,) = info.value.__notes__
    assert note.startswith("Raised in a forked copy of the build:\nTraceback")
    assert 'return {}["missing key in a copy"]' in note


def test_copies_are_capped() -> None:
    from nbpress.forkmap import MAX_COPIES

    found = forked_map(square_and_pid, list(range(MIN_ITEMS * 20)), 64)
    assert len({pid for _, pid in found}) == MAX_COPIES + 1
