"""The durable job runner and what it stands on.

The queue and its leases, batches, the job context handlers see, rate-limit lanes, wake-ups,
worker presence and the worker's schedule.
"""
