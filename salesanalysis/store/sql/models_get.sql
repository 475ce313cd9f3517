-- models: one stored estimator by its hash.
SELECT model_hash, kind, params_hash, data_fingerprint, as_of, fitted_at, package_version,
    payload, summary
FROM models
WHERE model_hash = ?
