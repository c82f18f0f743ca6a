"""Sales periods (soldes) under the name of the POS contract; the code lives in
:mod:`equisis.pos.loyalty.promotions` (the loyalty subpackage holds its own screens and migrations)."""
from equisis.pos.loyalty.promotions import (active_sale_price, add_rule, candidate_rules, create_period,  # noqa: F401
                                            find_period, periods, remove_rule, rules_of, update_period)
