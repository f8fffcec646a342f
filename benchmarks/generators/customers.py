"""Demo customers in batches, exactly as `lendcrm seed-demo` generates them.

Each customer is drawn from its own RNG (seed, index), so any slice of indexes can be produced
on its own and batches never hold more than `batch_size` records in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from lendcrm.demo.households import generate_customer
from lendcrm.demo.profiles import CustomerProfile


def customer_batches(
    *, seed: int, count: int, batch_size: int, as_of: date, first: int = 1
) -> Iterator[list[CustomerProfile]]:
    """Customers `first` .. `first + count - 1` of `seed`, `batch_size` at a time."""
    end = first + count
    for start in range(first, end, batch_size):
        stop = min(start + batch_size, end)
        yield [generate_customer(seed, index, as_of=as_of) for index in range(start, stop)]
