"""What the marketplace really pays: payout reconciliation and settlement imports."""
