"""Privacy (AVG): BSN look-ups audited and limited, retention by anonymisation, the data-subject export, transfers."""
