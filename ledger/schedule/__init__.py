"""督办闭环's schedule (#28): subscriptions to reports and alerts (subscriptions.py), their periods (periods.py), the
channels they go out on besides the inbox (channels.py: e-mail, webhook) and the background job that sends each
period once (runner.py), on the DuckDB file or PostgreSQL alike."""
