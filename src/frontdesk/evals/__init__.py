"""The evaluation suite: tasks with a hidden goal, simulated customers, a judge of end states, a runner."""
