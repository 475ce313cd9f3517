"""Models that learn from the team's history: win probability of open deals, repurchase
propensity and the at-risk list of existing customers, and the customer-grouped folds they
are cross-validated with. Estimators follow scikit-learn (``fit`` returns self, learned
attributes end in ``_``, randomness via ``random_state``). Models import features and the
store, never grading or reports.
"""

from salesanalysis.models.deal_rows import open_opportunities, training_snapshots
from salesanalysis.models.folds import customer_folds
from salesanalysis.models.inputs import model_inputs
from salesanalysis.models.retention import at_risk_customers, repurchase_propensity
from salesanalysis.models.winprob import WinProbabilityModel

__all__ = [
    "WinProbabilityModel",
    "at_risk_customers",
    "customer_folds",
    "model_inputs",
    "open_opportunities",
    "repurchase_propensity",
    "training_snapshots",
]
