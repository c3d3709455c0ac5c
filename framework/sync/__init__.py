"""What moves between the platforms.

Orders in (polls, webhooks, the lifecycle), products and stock out, and the push records
of each.
"""
