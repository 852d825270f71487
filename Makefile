# lcspr-stats front door. Needs only Python 3.11+ and make: the first target
# run creates .venv and installs the pinned dependencies (requirements.lock).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORES  ?= 2

.PHONY: run test lint format synth bench lock slurm clean help

help:
	@echo "make run    - set up and produce results/ for the bundled synthetic cohort"
	@echo "make test   - set up and run the tests"
	@echo "make lint   - ruff, snakefmt --check and snakemake --lint"
	@echo "make synth  - regenerate the bundled synthetic cohort"
	@echo "make bench  - measure run time and memory, write docs/performance.md (not part of test)"
	@echo "make slurm  - add the SLURM executor plugin (for profiles/slurm; not needed otherwise)"
	@echo "make clean  - remove results, intermediate files and logs"

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lcspr-stats run --cores $(CORES)
	@echo "Results are in results/ (one folder per cohort year)."

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow benchmarks
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

format: $(STAMP)
	$(BIN)/ruff format src tests workflow benchmarks
	$(BIN)/ruff check --fix src tests workflow benchmarks
	$(BIN)/snakefmt Snakefile workflow/rules

synth: $(STAMP)
	$(BIN)/lcspr-stats synth --profile 2021 --seed 2021 data/raw/synthetic_2021 --force

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# The SLURM executor plugin, for running on a cluster (profiles/slurm). Kept out of the
# default install: Snakemake imports every installed plugin at start-up, on every run.
slurm: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-slurm.lock

# Re-pin every dependency from the current environment (review the diff).
lock: $(STAMP)
	printf '# Exact versions of every dependency (pip freeze), so a run next year gives the same numbers.\n# Regenerate with: make lock\n' > requirements.lock.new
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^snakemake-executor-plugin-slurm' >> requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf results/[0-9]* results/trends data/processed/[0-9]* logs .snakemake
