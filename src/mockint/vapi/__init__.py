"""Vapi voice calls: the REST client, the assistant, the call runner, transcripts mapped to
answers, call records, the webhook server and the join page."""
