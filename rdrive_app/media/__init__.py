"""Media: the only package that touches Pillow, pillow-heif and PyAV.

Everything here works on bytes or file-like objects, never on storage, so the same functions run
in the app, in the decoder sandbox and in the AWS Lambda.
"""
