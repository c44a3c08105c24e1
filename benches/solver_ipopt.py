# IPOPT reference for benches/solver.rs: the same equality-constrained HS problems,
# standard starts, exact Hessian (CasADi SX), default IPOPT options.
# Run: python3 -m venv v && v/bin/pip install casadi && v/bin/python benches/solver_ipopt.py
# Prints iterations and IPOPT's own t_wall_total (median of 20 solves) per problem.
import casadi as ca, math, json, time
S2 = math.sqrt(2)
P = {}
def add(name, n, start, f, g):
    P[name] = (n, start, f, g)
add("hs6", 2, [-1.2, 1.0], lambda x: (1-x[0])**2, lambda x: [10*(x[1]-x[0]**2)])
add("hs7", 2, [2.0, 2.0], lambda x: ca.log(1+x[0]**2)-x[1], lambda x: [(1+x[0]**2)**2 + x[1]**2 - 4])
add("hs26", 3, [-2.6, 2, 2], lambda x: (x[0]-x[1])**2 + (x[1]-x[2])**4, lambda x: [(1+x[1]**2)*x[0] + x[2]**4 - 3])
add("hs27", 3, [2, 2, 2], lambda x: 0.01*(x[0]-1)**2 + (x[1]-x[0]**2)**2, lambda x: [x[0] + x[2]**2 + 1])
add("hs39", 4, [2]*4, lambda x: -x[0], lambda x: [x[1]-x[0]**3-x[2]**2, x[0]**2-x[1]-x[3]**2])
add("hs40", 4, [0.8]*4, lambda x: -x[0]*x[1]*x[2]*x[3], lambda x: [x[0]**3+x[1]**2-1, x[0]**2*x[3]-x[2], x[3]**2-x[1]])
add("hs46", 5, [S2/2, 1.75, 0.5, 2, 2], lambda x: (x[0]-x[1])**2+(x[2]-1)**2+(x[3]-1)**4+(x[4]-1)**6,
    lambda x: [x[0]**2*x[3]+ca.sin(x[3]-x[4])-1, x[1]+x[2]**4*x[3]**2-2])
add("hs48", 5, [3, 5, -3, 2, -2], lambda x: (x[0]-1)**2+(x[1]-x[2])**2+(x[3]-x[4])**2,
    lambda x: [x[0]+x[1]+x[2]+x[3]+x[4]-5, x[2]-2*(x[3]+x[4])+3])
add("hs49", 5, [10, 7, 2, -3, 0.8], lambda x: (x[0]-x[1])**2+(x[2]-1)**2+(x[3]-1)**4+(x[4]-1)**6,
    lambda x: [x[0]+x[1]+x[2]+4*x[3]-7, x[2]+5*x[4]-6])
add("hs50", 5, [35, -31, 11, 5, -5], lambda x: (x[0]-x[1])**2+(x[1]-x[2])**2+(x[2]-x[3])**4+(x[3]-x[4])**2,
    lambda x: [x[0]+2*x[1]+3*x[2]-6, x[1]+2*x[2]+3*x[3]-6, x[2]+2*x[3]+3*x[4]-6])
add("hs51", 5, [2.5, 0.5, 2, -1, 0.5], lambda x: (x[0]-x[1])**2+(x[1]+x[2]-2)**2+(x[3]-1)**2+(x[4]-1)**2,
    lambda x: [x[0]+3*x[1]-4, x[2]+x[3]-2*x[4], x[1]-x[4]])
add("hs77", 5, [2]*5, lambda x: (x[0]-1)**2+(x[0]-x[1])**2+(x[2]-1)**2+(x[3]-1)**4+(x[4]-1)**6,
    lambda x: [x[0]**2*x[3]+ca.sin(x[3]-x[4])-2*S2, x[1]+x[2]**4*x[3]**2-8-S2])
add("hs78", 5, [-2, 1.5, 2, -1, -1], lambda x: x[0]*x[1]*x[2]*x[3]*x[4],
    lambda x: [x[0]**2+x[1]**2+x[2]**2+x[3]**2+x[4]**2-10, x[1]*x[2]-5*x[3]*x[4], x[0]**3+x[1]**3+1])
add("hs79", 5, [2]*5, lambda x: (x[0]-1)**2+(x[0]-x[1])**2+(x[1]-x[2])**2+(x[2]-x[3])**4+(x[3]-x[4])**4,
    lambda x: [x[0]+x[1]**2+x[2]**3-2-3*S2, x[1]-x[2]**2+x[3]+2-2*S2, x[0]*x[4]-2])
add("hs9", 2, [0.0, 0.0], lambda x: ca.sin(math.pi*x[0]/12)*ca.cos(math.pi*x[1]/16), lambda x: [4*x[0]-3*x[1]])
add("hs28", 3, [-4, 1, 1], lambda x: (x[0]+x[1])**2+(x[1]+x[2])**2, lambda x: [x[0]+2*x[1]+3*x[2]-1])
add("hs42", 4, [1, 1, 1, 1], lambda x: (x[0]-1)**2+(x[1]-2)**2+(x[2]-3)**2+(x[3]-4)**2, lambda x: [x[0]-2, x[2]**2+x[3]**2-2])
add("hs52", 5, [2]*5, lambda x: (4*x[0]-x[1])**2+(x[1]+x[2]-2)**2+(x[3]-1)**2+(x[4]-1)**2,
    lambda x: [x[0]+3*x[1], x[2]+x[3]-2*x[4], x[1]-x[4]])
add("hs61", 3, [0, 0, 0], lambda x: 4*x[0]**2+2*x[1]**2+2*x[2]**2-33*x[0]+16*x[1]-24*x[2],
    lambda x: [3*x[0]-2*x[1]**2-7, 4*x[0]-x[2]**2-11])
out = {}
for name, (n, start, f, g) in P.items():
    x = ca.SX.sym("x", n)
    nlp = {"x": x, "f": f(x), "g": ca.vertcat(*g(x))}
    S = ca.nlpsol("s", "ipopt", nlp, {"ipopt.print_level": 0, "print_time": False, "record_time": True, "ipopt.sb": "yes"})
    m = len(g(x))
    times = []
    for rep in range(20):
        r = S(x0=start, lbg=[0]*m, ubg=[0]*m)
        st = S.stats()
        times.append(st["t_wall_total"])
    st = S.stats()
    out[name] = {"iterations": st["iter_count"], "status": st["return_status"], "f": float(r["f"]), "x": [float(v) for v in r["x"].full().ravel()], "t_wall_total_median": sorted(times)[len(times)//2]}
    print(f"{name:5} {st['iter_count']:3} {st['return_status']:20} f={float(r['f']):.10f} t={out[name]['t_wall_total_median']*1e3:.3f} ms")
print(json.dumps({k: [v["iterations"], v["t_wall_total_median"]] for k, v in out.items()}))
