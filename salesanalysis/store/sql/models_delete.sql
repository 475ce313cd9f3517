-- models: forget one stored estimator (before it is stored again under the same hash).
DELETE FROM models WHERE model_hash = ?
