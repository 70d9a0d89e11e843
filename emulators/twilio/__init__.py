"""An offline Twilio Programmable Messaging: the Messages API the SDK calls, signed status
callbacks, inbound messages (STOP/START as Twilio handles them) and a page to read and answer."""
