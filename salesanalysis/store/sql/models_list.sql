-- models: what is stored, without the payloads, latest first.
SELECT model_hash, kind, params_hash, data_fingerprint, as_of, fitted_at, package_version,
    summary
FROM models
WHERE kind = ?
ORDER BY fitted_at DESC, model_hash
