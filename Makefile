# Shortcuts for the two commands of the README, and the benchmarks.
.PHONY: demo test check-scenarios bench clean

demo:
	scripts/demo

test:
	scripts/test

check-scenarios:
	scripts/bootstrap.sh
	.venv/bin/python ../shared/tools/check_scenarios.py --python .venv/bin/python
	.venv/bin/python ../shared/tools/check_scenarios.py --python .venv/bin/python --db

bench:
	scripts/bootstrap.sh --test
	.venv/bin/python bench/bench_settlement.py
	.venv/bin/python bench/bench_trajectory_list.py
	.venv/bin/python bench/bench_invoice_pdf.py

clean:
	rm -rf .venv instance .pytest_cache
