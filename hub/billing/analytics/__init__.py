"""Business analytics of billing: MRR, ARPU, churn, revenue by plan, receivables aging and
customers in dunning (network figures live in `hub.network_analytics`)."""
