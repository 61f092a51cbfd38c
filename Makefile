# Saphan: `make run` starts everything, `make test` checks everything.
# Both install what they need first (idempotent: a second run installs nothing).

SHELL := /bin/bash
PYTHON ?= python3
HUB_VENV := .venv
RASA_VENV := .venv-rasa
MODEL := models/saphan.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data bot -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export HUB_PORT ?= 8000
export RASA_PORT ?= 5005
export ACTIONS_PORT ?= 5055
export RASA_URL ?= http://127.0.0.1:$(RASA_PORT)
export HUB_URL ?= http://127.0.0.1:$(HUB_PORT)
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook

.PHONY: run test install train test-tools test-rasa test-stories test-hub lock clean eval-nlu bench

run: install $(MODEL) .env
	@echo "Starting Rasa, the action server and the hub; the web chat URL is printed when the bot is ready. Ctrl-C stops all."
	$(HUB_VENV)/bin/honcho --no-prefix start --env .env --procfile Procfile 2>&1 || test $$? -eq 130

test: install $(MODEL) test-tools
	$(MAKE) --no-print-directory test-rasa test-stories test-hub

install: $(HUB_VENV)/.installed $(RASA_VENV)/.installed

train: $(MODEL)

# The hub, the channels, the process manager and the test tools.
$(HUB_VENV)/.installed: requirements/hub.lock
	test -x $(HUB_VENV)/bin/python || $(PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/hub.lock
	touch $@

# Rasa 3.6 declares Python < 3.11 but runs on 3.11: the lock is resolved for
# Python 3.10 and installed as is, without a second resolution.
$(RASA_VENV)/.installed: requirements/rasa.lock
	test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python -r requirements/rasa.lock
	touch $@

$(MODEL): $(RASA_VENV)/.installed $(TRAINING_INPUTS)
	$(RASA_VENV)/bin/rasa train --fixed-model-name saphan --out models
	touch $@

# A random secret shared by the hub and the action server, made once per checkout.
.env:
	@umask 077 && echo "HUB_INTERNAL_SECRET=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')" > $@
	@echo "Created .env with a new HUB_INTERNAL_SECRET."

# The browser of the browser tests and the docker-compose validator, from Debian.
test-tools:
	@bash scripts/install-test-tools.sh

test-rasa:
	$(RASA_VENV)/bin/python -m pytest tests/bot tests/actions tests/scripts

# The NLU pipeline against Rasa's default and a LinearSVC baseline on the shared
# fb-mtod data (Thai and English); reports into reports/nlu/ (see README.md).
NLU_BENCH ?= ../shared/data/nlu-bench/fb-mtod
# DIET is slow on 2 CPU cores: 20 epochs instead of the 100 of Rasa's default config.
EVAL_NLU_ARGS ?= --diet-epochs 20
eval-nlu: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/python scripts/eval_nlu.py \
		--dataset fb-mtod-th=$(NLU_BENCH)/th/train-th.tsv,$(NLU_BENCH)/th/test-th.tsv \
		--dataset fb-mtod-en=$(NLU_BENCH)/en/eval-en.tsv,$(NLU_BENCH)/en/test-en.tsv $(EVAL_NLU_ARGS)

# Production training time and parse latency: prints a row for docs/benchmarks.md
# (and writes reports/bench_bot.json).
bench: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/python scripts/bench_bot.py

# The training data, domain and rules without a single warning (an unused
# response or intent, a story conflict), then whole conversations
# (tests/test_stories.yml) against the trained model.
test-stories:
	$(RASA_VENV)/bin/rasa data validate --fail-on-warnings
	$(RASA_VENV)/bin/rasa test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out results/stories

test-hub:
	$(HUB_VENV)/bin/python -m pytest tests/hub tests/channels tests/integration tests/deploy

# Re-resolve the lock files (needs uv: pip install uv).
lock:
	uv pip compile --python-version 3.10 --python-platform x86_64-manylinux_2_28 --override requirements/rasa.overrides requirements/rasa.in -o requirements/rasa.lock
	uv pip compile --python-version 3.11 --python-platform x86_64-manylinux_2_28 requirements/hub.in -o requirements/hub.lock

clean:
	rm -rf $(HUB_VENV) $(RASA_VENV) models .pytest_cache
