.PHONY: run run-scaled test bench chat

run:    ## set up everything and run the product on its embedded default
	bash scripts/run.sh

run-scaled:  ## two Rasa servers sharing PostgreSQL trackers and Redis locks (docs/deployment-local.md)
	bash scripts/run_scaled.sh

chat:   ## talk to the assistant in the terminal (the ERP of `make run` must be up)
	bash scripts/chat.sh

test:   ## the whole test suite (what CI runs)
	bash scripts/test.sh

bench:  ## figures, not pass/fail
	bash scripts/uv.sh run --frozen python bench/order_throughput.py
	bash scripts/uv.sh run --frozen python bench/receivables.py
	bash scripts/uv.sh run --frozen python bench/report_speed.py
	bash scripts/uv.sh run --frozen python bench/forecast_backtest.py
	.venv-rasa/bin/python scripts/train.py
	.venv-rasa/bin/python bench/nlu_eval.py
	.venv-rasa/bin/python bench/parse_latency.py
	bash scripts/uv.sh run --frozen python bench/memory.py
	bash scripts/uv.sh run --frozen python bench/capacity.py
