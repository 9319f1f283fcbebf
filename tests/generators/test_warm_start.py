"""Reading earlier run folders (omniopt's and OmniOpt2's older layout) into trials."""

import pytest

from omniopt import warm_start
from omniopt.errors import ContinueError
from omniopt.model import ChoiceParameter, FixedParameter, Objective, RangeParameter, SearchSpace, TrialStatus

SPACE = SearchSpace(
    parameters=(
        RangeParameter(name="x", low=0.0, high=1.0),
        RangeParameter(name="n", low=1, high=5, value_type="int"),
        ChoiceParameter(name="opt", values=("adam", "sgd")),
    )
)
ONE = (Objective(name="RESULT"),)

NEW_HEADER = (
    "trial_index,submit_time,queue_time,worker_generator_uuid,start_time,end_time,run_time,program_string,"
    "exit_code,signal,hostname,arm_name,trial_status,generation_node,RESULT,x,n,opt,OO_Info_gpu"
)


def write(folder, header, rows):
    folder.mkdir(parents=True)
    (folder / "results.csv").write_text("\n".join([header, *rows]) + "\n")
    return folder


def test_reads_omniopt_rows_and_skips_what_does_not_fit(tmp_path):
    folder = write(
        tmp_path / "run",
        NEW_HEADER,
        [
            "0,1.0,0,u,1.0,2.0,1.0,cmd,0,,host,0_0,COMPLETED,SOBOL,0.5,0.25,2,adam,A100",
            "1,1.0,0,u,1.0,2.0,1.0,cmd,1,,host,1_0,FAILED,SOBOL,,0.75,3,sgd,",
            "2,1.0,0,u,1.0,2.0,1.0,cmd,0,,host,2_0,COMPLETED,BOTORCH_MODULAR,0.1,1.5,2,adam,",
            "3,1.0,0,u,1.0,2.0,1.0,cmd,0,,host,3_0,COMPLETED,SOBOL,0.2,0.5,2.5,adam,",
            "4,1.0,0,u,1.0,2.0,1.0,cmd,0,,host,4_0,COMPLETED,SOBOL,0.3,0.5,2,rms,",
            "5,1.0,0,u,1.0,2.0,1.0,cmd,0,,host,5_0,COMPLETED,SOBOL,nan,0.5,2,adam,",
            "6,1.0,0,u,1.0,,,cmd,,,host,6_0,RUNNING,SOBOL,,0.5,2,adam,",
        ],
    )
    messages = []
    trials = warm_start.load([folder], SPACE, ONE, warn=messages.append, first_index=10)
    assert [t.trial_index for t in trials] == [10, 11]
    first, failed = trials
    assert first.params == {"x": 0.25, "n": 2, "opt": "adam"}
    assert isinstance(first.params["n"], int)
    assert first.outcome.results == {"RESULT": 0.5}
    assert first.outcome.info == {"gpu": "A100"}
    assert first.generation_node == "SOBOL"
    assert failed.status is TrialStatus.FAILED and failed.outcome.results == {}
    text = "\n".join(messages)
    assert "line 4: x=1.5 is outside the new range [0, 1]" in text
    assert "line 5: n=2.5 is not a whole number" in text
    assert "line 6: opt=rms is not one of adam, sgd" in text
    assert "line 7: a completed trial without a finite value for RESULT" in text
    assert "loaded 2 trials" in text


def test_reads_omniopt2_older_layout(tmp_path):
    folder = write(
        tmp_path / "old",
        "trial_index,arm_name,trial_status,generation_method,result,x,n,opt",
        ["0,0_0,COMPLETED,Sobol,1.5,0.1,1,sgd", "1,1_0,COMPLETED,BoTorch,0.5,0.9,5,adam"],
    )
    trials = warm_start.load([folder], SPACE, ONE)
    assert [t.outcome.results["RESULT"] for t in trials] == [1.5, 0.5]
    assert [t.generation_node for t in trials] == ["Sobol", "BoTorch"]


def test_fixed_parameters_and_several_folders(tmp_path):
    space = SearchSpace(parameters=(*SPACE.parameters, FixedParameter(name="epochs", value=3)))
    a = write(tmp_path / "a", "trial_status,RESULT,x,n,opt", ["COMPLETED,1,0.1,1,sgd"])
    b = write(tmp_path / "b", "trial_status,RESULT,x,n,opt,epochs", ["COMPLETED,2,0.2,2,sgd,3", "COMPLETED,3,0.3,3,sgd,4"])
    messages = []
    trials = warm_start.load([a, b], space, ONE, warn=messages.append)
    assert [t.params["epochs"] for t in trials] == [3, 3]
    assert [t.trial_index for t in trials] == [0, 1]
    assert "epochs=4 but the parameter is now fixed at 3" in "\n".join(messages)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: p / "missing", "is not a folder"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "has no results.csv"),
        (lambda p: write(p / "r", "trial_status,LOSS,x,n,opt", []), "no column for the result 'RESULT'"),
        (lambda p: write(p / "r", "trial_status,RESULT,x,opt", []), "no column for parameter(s) n"),
    ],
)
def test_unusable_folders_are_one_clear_error(tmp_path, make, fragment):
    with pytest.raises(ContinueError) as info:
        warm_start.load([make(tmp_path)], SPACE, ONE)
    assert fragment in info.value.message
    assert info.value.hint


@pytest.mark.e2e
def test_reads_a_real_run_folder_of_the_cli(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    omniopt = Path(sys.executable).parent / "omniopt"
    subprocess.run(
        [str(omniopt), "--experiment_name", "w", "--run_program", "echo RESULT: %(x)", "--parameter", "x", "range", "0", "1",
         "--max_eval", "3", "--model", "SOBOL", "--seed", "1", "--force_local_execution"],
        cwd=tmp_path, check=True, capture_output=True,
    )
    trials = warm_start.load([tmp_path / "runs" / "w" / "0"], SearchSpace(parameters=(SPACE.parameters[0],)), ONE)
    assert len(trials) == 3
    assert all(t.outcome.results["RESULT"] == pytest.approx(t.params["x"]) for t in trials)
