"""Pointing a PTZ camera at the caller: calibration, aiming over ONVIF, arbitration."""
