"""Build a real but tiny .argosmodel offline: random-weight Marian → CTranslate2, sentencepiece, spaCy.

The package has exactly the layout argostranslate installs from the index (metadata.json, model/,
sentencepiece.model, spacy/), so the whole argos path runs on it; its translations are gibberish,
and deterministic. Building one takes about a second once torch and transformers are imported.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

TRAINING_LINES = [
    "Återvandringsbidrag kan sökas hos Migrationsverket.",
    "Bidraget är 10 000 kronor per vuxen och 5 000 kronor per barn.",
    "Kriminalvården informerar sina medarbetare om frivillig återvandring.",
    "Support for returning is available from the Swedish Migration Agency.",
    "يمكن طلب منحة العودة من مصلحة الهجرة.",
    "کمک هزینه بازگشت را می توان از اداره مهاجرت درخواست کرد.",
]


def build_argosmodel(folder: Path, from_code: str, to_code: str, seed: int = 0, broken: bool = False) -> Path:
    """Write translate-{from}_{to}-0_1.argosmodel into `folder` and return its path.

    `broken=True` writes a package whose CTranslate2 weights are garbage: it installs and is listed,
    but translating with it fails, as a damaged download would.
    """
    import sentencepiece as spm
    import spacy
    import torch
    import transformers
    from ctranslate2.converters import TransformersConverter

    name = f"translate-{from_code}_{to_code}-0_1"
    root = Path(folder) / f".build-{name}"
    pkg = root / name
    pkg.mkdir(parents=True, exist_ok=True)

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAINING_LINES * 4), model_prefix=str(pkg / "sentencepiece"), vocab_size=96,
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram", minloglevel=2)
    (pkg / "sentencepiece.vocab").unlink()
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())] + ["<pad>"]

    torch.manual_seed(seed)
    config = transformers.MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=2048,
        pad_token_id=len(vocab) - 1, eos_token_id=sp.eos_id(), bos_token_id=sp.bos_id(),
        decoder_start_token_id=len(vocab) - 1,
        init_std=0.3)   # larger than usual, so that different inputs give visibly different gibberish
    transformers.MarianMTModel(config).save_pretrained(root / "hf")

    class Vocabulary:   # all the converter asks of a tokenizer
        bos_token, eos_token, unk_token = "<s>", "</s>", "<unk>"

        def get_vocab(self):
            return {piece: i for i, piece in enumerate(vocab)}

    class Converter(TransformersConverter):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            return Vocabulary()

    Converter(str(root / "hf")).convert(str(pkg / "model"), force=True)
    if broken:
        (pkg / "model" / "model.bin").write_bytes(b"not a model")
    spacy.blank("xx").to_disk(pkg / "spacy")
    (pkg / "metadata.json").write_text(json.dumps({
        "package_version": "0.1", "argos_version": "1.11", "type": "translate",
        "from_code": from_code, "from_name": from_code, "to_code": to_code, "to_name": to_code,
    }))
    out = Path(folder) / f"{name}.argosmodel"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(pkg.rglob("*")):
            z.write(path, path.relative_to(root))
    return out
