.PHONY: run test bench

run:    ## set up everything and run the product on its embedded default
	bash scripts/run.sh

test:   ## the whole test suite (what CI runs)
	bash scripts/test.sh

bench:  ## figures, not pass/fail
	bash scripts/uv.sh run --frozen python bench/order_throughput.py
	bash scripts/uv.sh run --frozen python bench/receivables.py
