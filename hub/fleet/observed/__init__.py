"""What agents last observed of each hub device (sysName, model, version, serial, interfaces)."""
