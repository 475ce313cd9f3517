-- models: store one fitted estimator (payload: joblib bytes; summary: JSON).
INSERT INTO models (
    model_hash, kind, params_hash, data_fingerprint, as_of, fitted_at, package_version,
    payload, summary
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
